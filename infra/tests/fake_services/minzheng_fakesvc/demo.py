"""Its presence declares that ``python -m minzheng_fakesvc seed-demo`` exists."""
