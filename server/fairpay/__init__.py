"""Fair pay: a carer's working day (contact, travel, waiting) against their pay and the minimum wage."""
