"""Renderers of the endpoints that answer with a file (exports), and the mixin that keeps their refusals JSON
like every other refusal of the API."""

import json

from rest_framework import renderers
from rest_framework.renderers import JSONRenderer


class CSVRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else json.dumps(data, default=str).encode()


class XLSXRenderer(renderers.BaseRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else json.dumps(data, default=str).encode()


class FileRefusalsInJSON:
    """For a viewset whose `file_actions` answer with a file: a refusal of one of them is JSON (their
    renderers write files)."""

    file_actions: tuple[str, ...] = ()

    def finalize_response(self, request, response, *args, **kwargs):
        if self.action in self.file_actions and response.status_code >= 400:
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)
