/* walk.c — stub, being written */
