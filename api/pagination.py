"""DRF's page-number pagination with the page read by the shared input layer: "²", "1e5" or a number
beyond the integer range is a 400 naming `page` (a page past the end stays DRF's 404)."""

from rest_framework import pagination

from tenants.inputs import INT_MAX, parse_int


class PageNumberPagination(pagination.PageNumberPagination):
    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"].update(minimum=1, maximum=INT_MAX)
        return parameters

    def get_page_number(self, request, paginator):
        value = request.query_params.get(self.page_query_param)
        if value in self.last_page_strings:
            return paginator.num_pages
        return parse_int(value, field=self.page_query_param, minimum=1, default=1)
