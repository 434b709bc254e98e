/** Registers every environment family shipped with gridgym. */
import "./community-battery/index.js";
import "./community/index.js";
import "./microgrid/index.js";
import "./energy-hub/index.js";
