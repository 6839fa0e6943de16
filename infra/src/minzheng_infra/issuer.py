"""The stack's local OIDC issuer, for ``make run`` and the tests (in production: any OIDC provider).

An ES256 key set kept in ``<root>/issuer.json`` (0600), its public JWKS and discovery document
served over HTTP on 127.0.0.1, and tokens minted for a subject, roles and a division:

    python -m minzheng_infra token --role township-caseworker --division 330727101

Keys rotate without a restart of anything: ``rotate()`` adds a key that signs from then on and
keeps the older ones in the JWKS, so tokens already issued still verify; a service that meets the
new key id fetches the JWKS again.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

AUDIENCE = "minzheng"
HOST = "127.0.0.1"


class LocalIssuer:
    def __init__(self, root: Path, port: int) -> None:
        self.path = Path(root) / "issuer.json"
        self.port = port
        self._server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()
        if not self.path.exists():
            self._save([_new_key()])

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    # -- keys ----------------------------------------------------------------------------------

    def _keys(self) -> list[dict[str, Any]]:
        keys: list[dict[str, Any]] = json.loads(self.path.read_text())["keys"]
        return keys

    def _save(self, keys: list[dict[str, Any]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump({"keys": keys}, fh)
        os.replace(tmp, self.path)

    def rotate(self) -> str:
        """A new signing key (first in the set); older keys stay published. Returns its key id."""
        with self._lock:
            key = _new_key()
            self._save([key, *self._keys()][:4])
            return str(key["kid"])

    def jwks(self) -> dict[str, Any]:
        public = []
        for key in self._keys():
            jwk = {k: v for k, v in key.items() if k != "d"}
            public.append({**jwk, "use": "sig", "alg": "ES256"})
        return {"keys": public}

    def mint(
        self,
        *,
        subject: str,
        roles: Sequence[str],
        division: str,
        ttl: int = 8 * 3600,
        audience: str = AUDIENCE,
        now: float | None = None,
    ) -> str:
        """A signed token for ``subject`` with ``roles`` over ``division``'s subtree."""
        key = self._keys()[0]
        issued = int(now if now is not None else time.time())
        claims = {
            "iss": self.url,
            "aud": audience,
            "sub": subject,
            "roles": list(roles),
            "division": division,
            "iat": issued,
            "exp": issued + ttl,
            "jti": str(uuid.uuid4()),
        }
        private = ECAlgorithm.from_jwk(json.dumps(key))
        return jwt.encode(claims, private, algorithm="ES256", headers={"kid": key["kid"]})  # type: ignore[arg-type]

    # -- serving -------------------------------------------------------------------------------

    def start(self) -> None:
        if self._server is not None:
            return
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/jwks.json":
                    body = issuer.jwks()
                elif self.path == "/.well-known/openid-configuration":
                    body = {"issuer": issuer.url, "jwks_uri": f"{issuer.url}/jwks.json"}
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self._server = ThreadingHTTPServer((HOST, self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, name="oidc-issuer", daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def env(self, prefix: str = "") -> dict[str, str]:
        """What a service needs to verify this issuer's tokens."""
        return {f"{prefix}OIDC_ISSUER": self.url, f"{prefix}OIDC_AUDIENCE": AUDIENCE}


def _new_key() -> dict[str, Any]:
    private = ec.generate_private_key(ec.SECP256R1())
    jwk: dict[str, Any] = json.loads(ECAlgorithm.to_jwk(private))
    jwk["kid"] = uuid.uuid4().hex[:16]
    return jwk
