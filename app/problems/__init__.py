"""Problems: the causes behind recurring incidents, their known errors, and finding them."""
