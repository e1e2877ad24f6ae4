import { javaClassic } from './group-clients.ts';
import { defineGroupScenario } from './group-scenario.ts';

defineGroupScenario(javaClassic);
