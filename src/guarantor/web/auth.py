"""Token authentication and role checks for the API.

Authentication comes before anything else a request asks for: a missing or bad token gets
401 (429 once an address has failed too often, see :class:`AuthThrottle`), a role that may
not write gets 403, and only then are parameters and bodies looked at.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from guarantor.store import Store
from guarantor.store.users import Role, User, token_user
from guarantor.web.security import AuthThrottle

bearer = HTTPBearer(
    auto_error=False,
    description="A token from `guarantor users add` or `guarantor users token`, sent as "
    "`Authorization: Bearer TOKEN`. Tokens expire; a new one revokes the old.",
)


def store_of(request: Request) -> Store:
    """The store the app serves."""
    store: Store = request.app.state.store
    return store


def _lookup(store: Store, token: str) -> tuple[User, datetime] | None:
    with store.sessions() as session:
        return token_user(session, token)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def current_user(
    request: Request, cred: HTTPAuthorizationCredentials | None = Depends(bearer)
) -> User:
    """The user a request's bearer token belongs to; 401 without a valid one.

    The store is asked on every request (in a thread), never a cache: a token revoked or
    replaced by ``guarantor users revoke`` or ``users token`` in any process fails at once.
    """
    if cred is None or cred.scheme.lower() != "bearer" or not cred.credentials:
        raise HTTPException(
            401, "a token is needed: Authorization: Bearer TOKEN", {"WWW-Authenticate": "Bearer"}
        )
    found = await run_in_threadpool(_lookup, store_of(request), cred.credentials)
    if found is None:
        throttle: AuthThrottle = request.app.state.auth_throttle
        wait = throttle.failed(_client(request))
        if wait:
            raise HTTPException(
                429,
                "too many failed sign-ins from this address: wait and retry",
                {"Retry-After": throttle.retry_after(wait), "WWW-Authenticate": "Bearer"},
            )
        raise HTTPException(
            401, "unknown, expired or revoked token", {"WWW-Authenticate": "Bearer"}
        )
    return found[0]


async def writer(user: User = Depends(current_user)) -> User:
    """The current user, who must be allowed some writes (403 for viewers)."""
    if user.role is Role.VIEWER:
        raise HTTPException(403, "viewers may not change anything")
    return user


async def planner(user: User = Depends(current_user)) -> User:
    """The current user, who must be a planner or an admin (403 otherwise)."""
    if not user.can_plan:
        raise HTTPException(403, f"{user.role.value} may not do this: planners only")
    return user
