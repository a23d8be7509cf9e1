# The pinned Python tools (.venv) and the collection's FQCN resolution.
# shellcheck shell=bash

ensure_venv() {
  local stamp="$DJD_VENV/.requirements.sha256" want
  want=$(sha256sum "$DJD_ROOT/requirements-dev.txt" | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "Installing the pinned tools into $DJD_VENV"
    python3 -m venv "$DJD_VENV" || die "python3 -m venv failed (apt-get install python3-venv)"
    "$DJD_VENV/bin/pip" install -q --disable-pip-version-check -r "$DJD_ROOT/requirements-dev.txt" \
      || die "pip install -r requirements-dev.txt failed"
    echo "$want" > "$stamp"
  fi
  # ansible.cfg points collections_path at ./collections, where this link
  # makes the working tree resolve as djangodocker.deploy.
  mkdir -p "$DJD_ROOT/collections/ansible_collections/djangodocker"
  ln -sfn ../../.. "$DJD_ROOT/collections/ansible_collections/djangodocker/deploy"
  export PATH="$DJD_VENV/bin:$PATH"
}
