/* source.c — stub, being written */
