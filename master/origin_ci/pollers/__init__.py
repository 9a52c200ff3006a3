"""Change sources that notice, by themselves, when an origin image needs (re)building."""
