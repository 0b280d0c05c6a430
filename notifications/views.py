"""The signed-in user's in-app messages: list, open (marks read), mark all read."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .models import Notification
from .rendering import in_readers_language
from .selectors import unread_count
from .services import notifications_mark_read

PAGE_SIZE = 20


@login_required
def inbox(request):
    page = Paginator(Notification.objects.inbox(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for message in page.object_list:
        message.shown_title, message.shown_body = in_readers_language(message)
    return render(
        request,
        "notifications/inbox.html",
        {"page_obj": page, "unread": unread_count(request.user)},
    )


@login_required
@require_POST
def mark_all_read(request):
    notifications_mark_read(user=request.user)
    return redirect("notifications:inbox")


@login_required
@require_POST
def open_message(request, public_id):
    """Mark one message read and go to the page it is about (another user's message is a 404)."""
    message = get_object_or_404(Notification.objects.inbox(request.user), public_id=public_id)
    notifications_mark_read(user=request.user, public_ids=[message.public_id])
    if message.link and url_has_allowed_host_and_scheme(
        message.link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(message.link)
    return redirect("notifications:inbox")
