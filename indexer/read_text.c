/* read_text.c — stub, being written */
