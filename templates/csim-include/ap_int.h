// ap_int<W> / ap_uint<W> for edgemoe C simulation (includes ap_fixed too, as the vendor header does).
#ifndef EDGEMOE_AP_INT_H
#define EDGEMOE_AP_INT_H
#include "edgemoe_ap.h"
#endif
