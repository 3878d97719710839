"""MCP server: the event store as tools for agents (``event-store mcp``)."""

from .server import create_server, serve

__all__ = ["create_server", "serve"]
