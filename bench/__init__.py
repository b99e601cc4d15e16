"""`make bench`: page speed at 1k, 10k and 100k items as ratios to floors measured in the same run."""
