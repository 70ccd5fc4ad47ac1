/* header_test.c — newsidx.h must compile alone as C99 with -pedantic. */
#include "newsidx.h"

int nx_header_test_anchor(void);
int nx_header_test_anchor(void)
{
	nx_index_options io = NX_INDEX_OPTIONS_INIT;
	nx_search_options so = NX_SEARCH_OPTIONS_INIT;

	return (int)io.version + (int)so.version;
}
