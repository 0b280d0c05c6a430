from .selectors import lazy_store_for_request


def my_store(request):
    return {"my_store": lazy_store_for_request(request)}
