-- One database per silo: no subgraph reads another's tables.
CREATE DATABASE health_code;
CREATE DATABASE testing;
CREATE DATABASE venues;
CREATE DATABASE appeals;
