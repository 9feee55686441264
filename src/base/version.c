/* The version the library was built as, which a program linked against
 * another release's header can ask for. */
#include "cocob/cocob.h"

#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

const char *cocob_version(void)
{
    return STRINGIFY(COCOB_VERSION_MAJOR) "." STRINGIFY(COCOB_VERSION_MINOR) "." STRINGIFY(
        COCOB_VERSION_PATCH);
}
