"""The webhooks app's domain errors."""

from core.errors import DomainError


class WebhookError(DomainError):
    code = "webhook_error"
    http_status = 400


class UnknownWebhookEvent(WebhookError):
    """An event name nobody registered (a typo in the admin, or a caller that forgot ready())."""

    code = "webhook_unknown_event"


class WebhookUrlRefused(WebhookError):
    """An endpoint URL we will not call: wrong scheme, no host, a host that cannot be found."""

    code = "webhook_url_refused"


class WebhookReplayRefused(WebhookError):
    code = "webhook_replay_refused"
    http_status = 409
