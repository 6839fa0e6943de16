"""Where PostgreSQL and NATS are, and the URLs and environment each service gets."""

from __future__ import annotations

from dataclasses import dataclass, field

from .config import ServiceSpec, service_by_name
from .credentials import Credentials, with_credentials


@dataclass
class Endpoints:
    """Admin URLs of the two servers plus the per-service URLs derived from them.

    ``database_overrides`` / ``nats_overrides`` map a service name to a URL given from outside
    (``<SERVICE>_DATABASE_URL`` / ``<SERVICE>_NATS_URL``): used as given, nothing is provisioned for it.
    With ``nats_per_service_users`` False (an external NATS we do not configure), every service
    gets ``nats_admin_url`` as is.
    """

    services: list[ServiceSpec]
    credentials: Credentials
    pg_admin_dsn: str
    nats_admin_url: str
    nats_per_service_users: bool = True
    database_overrides: dict[str, str] = field(default_factory=dict)
    nats_overrides: dict[str, str] = field(default_factory=dict)
    oidc_issuer: str | None = None
    """The OIDC issuer whose tokens the services accept (the stack's local one, or ``OIDC_ISSUER``)."""

    def service(self, name: str) -> ServiceSpec:
        return service_by_name(self.services, name)

    def database_dsn(self, service: str) -> str:
        """libpq URL ``postgresql://<role>:<pw>@host:port/<db>`` of the service's own database."""
        if service in self.database_overrides:
            return self.database_overrides[service]
        spec = self.service(service)
        return with_credentials(
            self.pg_admin_dsn, spec.db_role, self.credentials.service(service), database=spec.database
        )

    def nats_url(self, service: str) -> str:
        """``nats://<user>:<pw>@host:port`` for the service's NATS user."""
        if service in self.nats_overrides:
            return self.nats_overrides[service]
        spec = self.service(service)
        if not self.nats_per_service_users:
            return self.nats_admin_url
        return with_credentials(self.nats_admin_url, spec.nats_user, self.credentials.service(service))

    def env_for(self, service: str) -> dict[str, str]:
        """The environment variables a service process needs (add them to ``os.environ``)."""
        spec = self.service(service)
        env = {
            f"{spec.env_prefix}_DATABASE_URL": self.database_dsn(service),
            f"{spec.env_prefix}_NATS_URL": self.nats_url(service),
            "SERVICE_NAME": spec.name,
        }
        if self.oidc_issuer:
            env[f"{spec.env_prefix}_OIDC_ISSUER"] = self.oidc_issuer
        if service in self.credentials.pseudonym_keys:
            env[f"{spec.env_prefix}_PSEUDONYM_KEY"] = self.credentials.pseudonym_keys[service]
        return env

    def services_to_provision(self) -> list[ServiceSpec]:
        """Services whose role and database we create (not those given their own database URL)."""
        return [s for s in self.services if s.name not in self.database_overrides]
