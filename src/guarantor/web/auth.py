"""Token authentication and role checks for the API."""

from __future__ import annotations

from fastapi import Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from guarantor.store import Store
from guarantor.store.users import User, user_for_token
from guarantor.web.cache import TokenCache

bearer = HTTPBearer(
    auto_error=False,
    description="A token from `guarantor users add`, sent as `Authorization: Bearer TOKEN`.",
)


def store_of(request: Request) -> Store:
    """The store the app serves."""
    store: Store = request.app.state.store
    return store


def _lookup(store: Store, token: str) -> User | None:
    with store.sessions() as session:
        return user_for_token(session, token)


async def current_user(
    request: Request, cred: HTTPAuthorizationCredentials | None = Depends(bearer)
) -> User:
    """The user a request's bearer token belongs to; 401 without a valid one.

    Asynchronous so that a cached token costs no thread hop; a lookup runs in a thread.
    """
    if cred is None or cred.scheme.lower() != "bearer" or not cred.credentials:
        raise HTTPException(
            401, "a token is needed: Authorization: Bearer TOKEN", {"WWW-Authenticate": "Bearer"}
        )
    cache: TokenCache = request.app.state.tokens
    user = cache.get(cred.credentials)
    if user is None:
        user = await run_in_threadpool(_lookup, store_of(request), cred.credentials)
        if user is not None:
            cache.put(cred.credentials, user)
    if user is None:
        raise HTTPException(401, "unknown or revoked token", {"WWW-Authenticate": "Bearer"})
    return user


async def planner(user: User = Depends(current_user)) -> User:
    """The current user, who must be a planner or an admin (403 otherwise)."""
    if not user.can_plan:
        raise HTTPException(403, f"{user.role.value} may not do this: planners only")
    return user
