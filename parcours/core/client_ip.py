"""The client's address, as django-axes keys its lockout on it (AXES_CLIENT_IP_CALLABLE).

Behind N trusted reverse proxies (PARCOURS_TRUSTED_PROXY_COUNT), REMOTE_ADDR is the nearest proxy's and
each proxy appends the address it received the request from to X-Forwarded-For: the client is the N-th
entry from the end. Entries before it are whatever the client sent, and are never trusted. With 0 proxies
(development, or a server facing the network) the header is ignored altogether."""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    proxies = int(getattr(settings, "PARCOURS_TRUSTED_PROXY_COUNT", 0))
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < proxies:  # a request that did not come through every proxy
        return remote
    candidate = hops[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
