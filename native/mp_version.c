#include "mediaplane.h"

#ifndef MP_VERSION_STRING
#error "MP_VERSION_STRING must come from the build (CMakeLists.txt: project VERSION)"
#endif

const char *mp_version(void) {
    return MP_VERSION_STRING;
}
