/* store.c — stub, being written */
