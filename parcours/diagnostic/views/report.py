"""(being written)"""

from django.views.generic import View


class ReportListView(View):
    pass


class ReportView(View):
    pass


class ReportPdfView(View):
    pass
