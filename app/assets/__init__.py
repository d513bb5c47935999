"""The asset register: the hardware and software the desk looks after."""
