"""minzheng-infra: embedded PostgreSQL + NATS JetStream, stream/role provisioning, the pytest plugin.

Entry points: ``python -m minzheng_infra`` (``make run``), :class:`EmbeddedStack`, and the pytest
plugin ``minzheng_infra.pytest_plugin`` (fixtures ``stack``, ``fresh_database``, ``nats_admin``).
"""

from .nats_server import EmbeddedNats, NatsConfig
from .postgres import EmbeddedPostgres
from .provision import ProvisionReport, provision, provision_postgres, provision_streams
from .stack import EmbeddedStack, StackPorts

__all__ = [
    "EmbeddedNats",
    "EmbeddedPostgres",
    "EmbeddedStack",
    "NatsConfig",
    "ProvisionReport",
    "StackPorts",
    "provision",
    "provision_postgres",
    "provision_streams",
]
