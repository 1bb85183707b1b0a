"""A small but real OpenID Connect provider, served over HTTP on loopback for the ProConnect tests.

It speaks the authorization code flow as ProConnect does (docs of ProConnect's partner space, "Implémentation
du protocole OIDC"): /authorize answers with a code for the identity the test says is logged in at the
provider; /token authenticates the client, checks the code (single use, same redirect_uri) and returns an
RS256-signed ID token carrying the nonce and the `acr`; /userinfo answers a signed JWT (application/jwt);
/jwks publishes the public key. Nothing of the relying party is replaced: Parcours talks to it over HTTP.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from base64 import b64decode
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):  # no request lines in the test output
        pass


class OIDCProvider:
    def __init__(self, *, client_id: str, client_secret: str, redirect_uri: str):
        self.client_id, self.client_secret, self.redirect_uri = client_id, client_secret, redirect_uri
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "cle-de-test"
        self.signing_key = self.key  # a test may sign with another key, to prove the signature is checked
        # Who is logged in at the provider, and how (set by each test).
        self.email = "agent@interieur.gouv.fr"
        self.acr = "eidas2"
        self.audience = client_id
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.authorize_requests: list[dict] = []
        self.token_requests = 0
        self.server: WSGIServer | None = None

    # --- HTTP ---

    @property
    def issuer(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> OIDCProvider:
        self.server = make_server("127.0.0.1", 0, self.app, handler_class=_QuietHandler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def app(self, environ, start_response):
        path = environ["PATH_INFO"]
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        handler = {
            "/authorize": self.authorize,
            "/token": self.token,
            "/userinfo": self.userinfo,
            "/jwks": self.jwks,
        }.get(path)
        if handler is None:
            return self._reply(start_response, "404 Not Found", {"error": "not_found"})
        return handler(environ, query, start_response)

    @staticmethod
    def _reply(start_response, status, body, content_type="application/json", headers=()):
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(data))), *headers])
        return [data]

    # --- Endpoints ---

    def authorize(self, environ, query, start_response):
        self.authorize_requests.append(query)
        if (
            query.get("client_id") != self.client_id
            or query.get("redirect_uri") != self.redirect_uri
            or query.get("response_type") != "code"
            or "openid" not in query.get("scope", "").split()
            or len(query.get("state", "")) < 32
            or len(query.get("nonce", "")) < 32
        ):
            return self._reply(start_response, "400 Bad Request", {"error": "invalid_request"})
        code = secrets.token_urlsafe(24)
        self.codes[code] = {"nonce": query["nonce"], "redirect_uri": query["redirect_uri"]}
        location = self.redirect_uri + "?" + urlencode({"code": code, "state": query["state"]})
        return self._reply(start_response, "302 Found", "", "text/plain", [("Location", location)])

    def _client_authenticated(self, environ, form) -> bool:
        header = environ.get("HTTP_AUTHORIZATION", "")
        if header.startswith("Basic "):
            client_id, _, secret = b64decode(header[6:]).decode().partition(":")
        else:
            client_id, secret = form.get("client_id"), form.get("client_secret")
        return client_id == self.client_id and secret == self.client_secret

    def token(self, environ, query, start_response):
        self.token_requests += 1
        length = int(environ.get("CONTENT_LENGTH") or 0)
        form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(length).decode()).items()}
        if environ["REQUEST_METHOD"] != "POST" or not self._client_authenticated(environ, form):
            return self._reply(start_response, "401 Unauthorized", {"error": "invalid_client"})
        grant = self.codes.pop(form.get("code", ""), None)  # single use
        if (
            form.get("grant_type") != "authorization_code"
            or grant is None
            or form.get("redirect_uri") != grant["redirect_uri"]
        ):
            return self._reply(start_response, "400 Bad Request", {"error": "invalid_grant"})
        now = int(time.time())
        id_token = self._sign(
            {
                "iss": self.issuer,
                "sub": "sub-" + self.email,
                "aud": self.audience,
                "iat": now,
                "exp": now + 60,
                "nonce": grant["nonce"],
                "acr": self.acr,
                "amr": ["pwd", "totp", "mfa"] if "2" in self.acr or "3" in self.acr else ["pwd"],
            }
        )
        access_token = secrets.token_urlsafe(24)
        self.tokens[access_token] = {"email": self.email}
        body = {"access_token": access_token, "token_type": "Bearer", "expires_in": 60, "id_token": id_token}
        return self._reply(start_response, "200 OK", body)

    def userinfo(self, environ, query, start_response):
        header = environ.get("HTTP_AUTHORIZATION", "")
        info = self.tokens.get(header.removeprefix("Bearer "))
        if info is None:
            return self._reply(start_response, "401 Unauthorized", {"error": "invalid_token"})
        claims = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": "sub-" + info["email"],
            "email": info["email"],
            "given_name": "Agente",
            "usual_name": "Fictive",
        }
        return self._reply(start_response, "200 OK", self._sign(claims), "application/jwt")

    def jwks(self, environ, query, start_response):
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update({"kid": self.kid, "alg": "RS256", "use": "sig"})
        return self._reply(start_response, "200 OK", {"keys": [jwk]})

    def _sign(self, claims: dict) -> str:
        return jwt.encode(claims, self.signing_key, algorithm="RS256", headers={"kid": self.kid})
