"""Year plans and everything derived from them: coverage of a school, a network, a cohort and the nation
(per goal and per kerndoel / doelzin), gap suggestions, and the impact of a goal change."""
