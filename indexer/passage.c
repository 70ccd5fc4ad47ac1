/* passage.c — stub, being written */
