// ap_fixed<W,I,Q,O,N> / ap_ufixed<W,I,Q,O,N> for edgemoe C simulation.
#ifndef EDGEMOE_AP_FIXED_H
#define EDGEMOE_AP_FIXED_H
#include "edgemoe_ap.h"
#endif
