"""Time is explicit: the clock protocol lives in the domain kernel; re-exported for the runtime."""

from minzheng_kernel.clock import Clock, ManualClock, SystemClock

__all__ = ["Clock", "ManualClock", "SystemClock"]
