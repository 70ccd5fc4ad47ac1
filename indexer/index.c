/* index.c — stub, being written */
