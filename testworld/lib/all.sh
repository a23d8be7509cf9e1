# The offline test world's shell libraries, for the entry points in scripts/
# and bench/. Sourced after scripts/lib/common.sh, never run.
# shellcheck shell=bash
# shellcheck source=testworld/lib/engine.sh
source "$DJD_ROOT/testworld/lib/engine.sh"
# shellcheck source=testworld/lib/images.sh
source "$DJD_ROOT/testworld/lib/images.sh"
# shellcheck source=testworld/lib/ubuntu_hosts.sh
source "$DJD_ROOT/testworld/lib/ubuntu_hosts.sh"
# shellcheck source=testworld/lib/aptrepo.sh
source "$DJD_ROOT/testworld/lib/aptrepo.sh"
# shellcheck source=testworld/lib/isolation.sh
source "$DJD_ROOT/testworld/lib/isolation.sh"
# shellcheck source=testworld/lib/world.sh
source "$DJD_ROOT/testworld/lib/world.sh"
# shellcheck source=testworld/lib/vmhost.sh
source "$DJD_ROOT/testworld/lib/vmhost.sh"
