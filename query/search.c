/* search.c — stub, being written */
