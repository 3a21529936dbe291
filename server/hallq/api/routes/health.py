from fastapi import APIRouter

router = APIRouter(tags=["health"])


@router.get("/api/health")
async def health() -> dict[str, str]:
    """The server is up (no database round trip: load balancers call this often)."""
    return {"status": "ok"}
