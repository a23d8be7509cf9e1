import json
import socket

from channels.generic.websocket import AsyncWebsocketConsumer

from .views import VERSION


class EchoConsumer(AsyncWebsocketConsumer):
    """Echoes each message with the release that holds the connection."""

    async def connect(self):
        await self.accept()

    async def receive(self, text_data=None, bytes_data=None):
        await self.send(text_data=json.dumps({"echo": text_data, "version": VERSION, "release": socket.gethostname()}))
