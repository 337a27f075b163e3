"""Travel between homes: one model for the planner, the fair-pay report and delay prediction."""
from server.travel.model import MODES, TravelModel, travel_model

__all__ = ["MODES", "TravelModel", "travel_model"]
