from orgs.models import Membership

ACTIVE_MEMBERSHIP_SESSION_KEY = "active_membership_id"


class ActiveMembershipMiddleware:
    """Narrows a browser session to the membership chosen in the switcher.

    The chosen membership id lives in the session; `restrict` reads it from the user. API
    clients using a token act with all their memberships.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and hasattr(request, "session"):
            chosen = request.session.get(ACTIVE_MEMBERSHIP_SESSION_KEY)
            if chosen is not None:
                if Membership.objects.filter(pk=chosen, user=user).exists():
                    user.active_membership_id = chosen
                else:
                    del request.session[ACTIVE_MEMBERSHIP_SESSION_KEY]
        return self.get_response(request)
