"""The Vendors page: vendors, their support contracts, and the contracts ending soon."""
