"""Death of an entitled person (优抚对象死亡): the death-benefit case and its one-off amounts."""
