"""(being written)"""

from django.views.generic import View


class CampaignListView(View):
    pass


class CampaignCreateView(View):
    pass


class CampaignDetailView(View):
    pass


class CampaignEditView(View):
    pass


class AddOrganisationsView(View):
    pass


class AddStructureView(View):
    pass


class ParticipantView(View):
    pass


class RemoveParticipantView(View):
    pass


class OpenView(View):
    pass


class RemindView(View):
    pass


class CloseView(View):
    pass
