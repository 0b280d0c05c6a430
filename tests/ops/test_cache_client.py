"""The Redis cache keeps one redis-py client per connection pool instead of building one per call."""

from concurrent.futures import ThreadPoolExecutor

from core.cache import FailoverRedisCache
from tests.components import require_redis


def test_one_client_serves_every_call_and_thread():
    require_redis()
    cache = FailoverRedisCache("redis://127.0.0.1:6379/2", {"KEY_PREFIX": "client-test"})
    first = cache._cache.get_client("a")
    assert cache._cache.get_client("b", write=True) is first

    def round_trip(n: int) -> int:
        cache.set(f"k{n}", n, 30)
        return cache.get(f"k{n}")

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(round_trip, range(40))) == list(range(40))
    assert cache._cache.get_client() is first
    cache.delete_many([f"k{n}" for n in range(40)])
