"""(being written)"""

from django.views.generic import View


class KeyListView(View):
    pass
