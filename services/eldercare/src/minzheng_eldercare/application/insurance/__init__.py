"""The accident-insurance enrolment (老年人意外伤害保险参保)."""
