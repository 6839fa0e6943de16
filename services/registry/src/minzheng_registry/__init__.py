"""minzheng registry service: civil registration (婚姻登记, 死亡登记, 殡葬, 地名门牌) of a county bureau."""

SERVICE = "registry"
