"""(being written)"""

from django.views.generic import View


class RespondView(View):
    pass
