/* json.c — stub, being written */
