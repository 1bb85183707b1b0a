"""The API's documentation page (/api/v1/docs/): the OpenAPI schema rendered on the server in DSFR, no
script (the CSP allows none from elsewhere), for a signed-in national analyst."""

from __future__ import annotations

from django.urls import reverse
from django.views.generic import TemplateView
from drf_spectacular.generators import SchemaGenerator

from parcours.core.views_base import ActorRequiredMixin

METHODS = ("get", "post", "put", "patch", "delete")


def operations(schema: dict) -> list[dict]:
    result = []
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            result.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": [
                        {"name": p["name"], "description": p.get("description", "")}
                        for p in op.get("parameters", [])
                    ],
                    "responses": [
                        {"status": status, "description": r.get("description", "")}
                        for status, r in sorted(op.get("responses", {}).items())
                    ],
                }
            )
    return result


class ApiDocsView(ActorRequiredMixin, TemplateView):
    permission = "stats.national"
    template_name = "national/api_docs.html"

    def get_context_data(self, **kwargs):
        from . import api_urls

        schema = SchemaGenerator(patterns=api_urls.api_patterns).get_schema(request=None, public=True)
        return {
            "nav": "national_stats",
            "info": schema["info"],
            "operations": operations(schema),
            "schema_url": reverse("api:schema"),
        }
