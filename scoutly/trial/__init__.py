"""`scoutly try`: the sample career sites on 127.0.0.1 and the whole pipeline run in memory."""
