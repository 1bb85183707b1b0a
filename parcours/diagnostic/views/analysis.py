"""(being written)"""

from django.views.generic import View


class LinkageView(View):
    pass
